# Generated from ui/directory_dialog.ui by packaging/compile_forms.py (pyside6-uic). Do not edit:
# change the form in Qt Designer, then run `uv run python packaging/compile_forms.py`.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'directory_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QListWidget, QListWidgetItem, QPushButton, QSizePolicy,
    QSpacerItem, QTabWidget, QTableWidget, QTableWidgetItem,
    QVBoxLayout, QWidget)

class Ui_DirectoryDialog(object):
    def setupUi(self, DirectoryDialog):
        if not DirectoryDialog.objectName():
            DirectoryDialog.setObjectName(u"DirectoryDialog")
        DirectoryDialog.resize(900, 520)
        self.mainLayout = QVBoxLayout(DirectoryDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.tabs = QTabWidget(DirectoryDialog)
        self.tabs.setObjectName(u"tabs")
        self.peopleTab = QWidget()
        self.peopleTab.setObjectName(u"peopleTab")
        self.peopleLayout = QHBoxLayout(self.peopleTab)
        self.peopleLayout.setObjectName(u"peopleLayout")
        self.peopleTable = QTableWidget(self.peopleTab)
        if (self.peopleTable.columnCount() < 5):
            self.peopleTable.setColumnCount(5)
        __qtablewidgetitem = QTableWidgetItem()
        self.peopleTable.setHorizontalHeaderItem(0, __qtablewidgetitem)
        __qtablewidgetitem1 = QTableWidgetItem()
        self.peopleTable.setHorizontalHeaderItem(1, __qtablewidgetitem1)
        __qtablewidgetitem2 = QTableWidgetItem()
        self.peopleTable.setHorizontalHeaderItem(2, __qtablewidgetitem2)
        __qtablewidgetitem3 = QTableWidgetItem()
        self.peopleTable.setHorizontalHeaderItem(3, __qtablewidgetitem3)
        __qtablewidgetitem4 = QTableWidgetItem()
        self.peopleTable.setHorizontalHeaderItem(4, __qtablewidgetitem4)
        self.peopleTable.setObjectName(u"peopleTable")
        self.peopleTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.peopleTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.peopleTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.peopleTable.setAlternatingRowColors(True)
        self.peopleTable.horizontalHeader().setStretchLastSection(True)
        self.peopleTable.verticalHeader().setVisible(False)

        self.peopleLayout.addWidget(self.peopleTable)

        self.personBox = QGroupBox(self.peopleTab)
        self.personBox.setObjectName(u"personBox")
        self.personLayout = QVBoxLayout(self.personBox)
        self.personLayout.setObjectName(u"personLayout")
        self.personForm = QFormLayout()
        self.personForm.setObjectName(u"personForm")
        self.personForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.nameLabel = QLabel(self.personBox)
        self.nameLabel.setObjectName(u"nameLabel")

        self.personForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameEdit = QLineEdit(self.personBox)
        self.nameEdit.setObjectName(u"nameEdit")

        self.personForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.teamLabel = QLabel(self.personBox)
        self.teamLabel.setObjectName(u"teamLabel")

        self.personForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.teamLabel)

        self.teamEdit = QLineEdit(self.personBox)
        self.teamEdit.setObjectName(u"teamEdit")

        self.personForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.teamEdit)

        self.emailLabel = QLabel(self.personBox)
        self.emailLabel.setObjectName(u"emailLabel")

        self.personForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.emailLabel)

        self.emailEdit = QLineEdit(self.personBox)
        self.emailEdit.setObjectName(u"emailEdit")

        self.personForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.emailEdit)

        self.phoneLabel = QLabel(self.personBox)
        self.phoneLabel.setObjectName(u"phoneLabel")

        self.personForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.phoneLabel)

        self.phoneEdit = QLineEdit(self.personBox)
        self.phoneEdit.setObjectName(u"phoneEdit")

        self.personForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.phoneEdit)

        self.rolesLabel = QLabel(self.personBox)
        self.rolesLabel.setObjectName(u"rolesLabel")

        self.personForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.rolesLabel)

        self.rolesList = QListWidget(self.personBox)
        self.rolesList.setObjectName(u"rolesList")

        self.personForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.rolesList)


        self.personLayout.addLayout(self.personForm)

        self.personButtons = QHBoxLayout()
        self.personButtons.setObjectName(u"personButtons")
        self.newButton = QPushButton(self.personBox)
        self.newButton.setObjectName(u"newButton")

        self.personButtons.addWidget(self.newButton)

        self.personButtonsSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.personButtons.addItem(self.personButtonsSpacer)

        self.retireButton = QPushButton(self.personBox)
        self.retireButton.setObjectName(u"retireButton")

        self.personButtons.addWidget(self.retireButton)

        self.saveButton = QPushButton(self.personBox)
        self.saveButton.setObjectName(u"saveButton")

        self.personButtons.addWidget(self.saveButton)


        self.personLayout.addLayout(self.personButtons)


        self.peopleLayout.addWidget(self.personBox)

        self.tabs.addTab(self.peopleTab, "")
        self.rotaTab = QWidget()
        self.rotaTab.setObjectName(u"rotaTab")
        self.rotaLayout = QVBoxLayout(self.rotaTab)
        self.rotaLayout.setObjectName(u"rotaLayout")
        self.rotaHint = QLabel(self.rotaTab)
        self.rotaHint.setObjectName(u"rotaHint")
        self.rotaHint.setWordWrap(True)

        self.rotaLayout.addWidget(self.rotaHint)

        self.rotaTable = QTableWidget(self.rotaTab)
        if (self.rotaTable.columnCount() < 3):
            self.rotaTable.setColumnCount(3)
        __qtablewidgetitem5 = QTableWidgetItem()
        self.rotaTable.setHorizontalHeaderItem(0, __qtablewidgetitem5)
        __qtablewidgetitem6 = QTableWidgetItem()
        self.rotaTable.setHorizontalHeaderItem(1, __qtablewidgetitem6)
        __qtablewidgetitem7 = QTableWidgetItem()
        self.rotaTable.setHorizontalHeaderItem(2, __qtablewidgetitem7)
        self.rotaTable.setObjectName(u"rotaTable")
        self.rotaTable.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rotaTable.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.rotaTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rotaTable.horizontalHeader().setStretchLastSection(True)
        self.rotaTable.verticalHeader().setVisible(False)

        self.rotaLayout.addWidget(self.rotaTable)

        self.rotaForm = QHBoxLayout()
        self.rotaForm.setObjectName(u"rotaForm")
        self.weekLabel = QLabel(self.rotaTab)
        self.weekLabel.setObjectName(u"weekLabel")

        self.rotaForm.addWidget(self.weekLabel)

        self.weekCombo = QComboBox(self.rotaTab)
        self.weekCombo.setObjectName(u"weekCombo")

        self.rotaForm.addWidget(self.weekCombo)

        self.dutyLabel = QLabel(self.rotaTab)
        self.dutyLabel.setObjectName(u"dutyLabel")

        self.rotaForm.addWidget(self.dutyLabel)

        self.dutyCombo = QComboBox(self.rotaTab)
        self.dutyCombo.setObjectName(u"dutyCombo")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.dutyCombo.sizePolicy().hasHeightForWidth())
        self.dutyCombo.setSizePolicy(sizePolicy)

        self.rotaForm.addWidget(self.dutyCombo)

        self.setDutyButton = QPushButton(self.rotaTab)
        self.setDutyButton.setObjectName(u"setDutyButton")

        self.rotaForm.addWidget(self.setDutyButton)


        self.rotaLayout.addLayout(self.rotaForm)

        self.tabs.addTab(self.rotaTab, "")

        self.mainLayout.addWidget(self.tabs)

        self.errorLabel = QLabel(DirectoryDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(DirectoryDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Close)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
        self.teamLabel.setBuddy(self.teamEdit)
        self.emailLabel.setBuddy(self.emailEdit)
        self.phoneLabel.setBuddy(self.phoneEdit)
        self.rolesLabel.setBuddy(self.rolesList)
        self.weekLabel.setBuddy(self.weekCombo)
        self.dutyLabel.setBuddy(self.dutyCombo)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(DirectoryDialog)

        self.tabs.setCurrentIndex(0)


        QMetaObject.connectSlotsByName(DirectoryDialog)
    # setupUi

    def retranslateUi(self, DirectoryDialog):
        DirectoryDialog.setWindowTitle(QCoreApplication.translate("DirectoryDialog", u"People and rota", None))
        ___qtablewidgetitem = self.peopleTable.horizontalHeaderItem(0)
        ___qtablewidgetitem.setText(QCoreApplication.translate("DirectoryDialog", u"Name", None))
        ___qtablewidgetitem1 = self.peopleTable.horizontalHeaderItem(1)
        ___qtablewidgetitem1.setText(QCoreApplication.translate("DirectoryDialog", u"Team", None))
        ___qtablewidgetitem2 = self.peopleTable.horizontalHeaderItem(2)
        ___qtablewidgetitem2.setText(QCoreApplication.translate("DirectoryDialog", u"E-mail", None))
        ___qtablewidgetitem3 = self.peopleTable.horizontalHeaderItem(3)
        ___qtablewidgetitem3.setText(QCoreApplication.translate("DirectoryDialog", u"Phone", None))
        ___qtablewidgetitem4 = self.peopleTable.horizontalHeaderItem(4)
        ___qtablewidgetitem4.setText(QCoreApplication.translate("DirectoryDialog", u"Roles they can take", None))
        self.personBox.setTitle(QCoreApplication.translate("DirectoryDialog", u"Person", None))
        self.nameLabel.setText(QCoreApplication.translate("DirectoryDialog", u"&Name:", None))
        self.teamLabel.setText(QCoreApplication.translate("DirectoryDialog", u"&Team:", None))
        self.emailLabel.setText(QCoreApplication.translate("DirectoryDialog", u"&E-mail:", None))
        self.emailEdit.setPlaceholderText(QCoreApplication.translate("DirectoryDialog", u"name@example.org", None))
        self.phoneLabel.setText(QCoreApplication.translate("DirectoryDialog", u"P&hone:", None))
        self.rolesLabel.setText(QCoreApplication.translate("DirectoryDialog", u"&Roles:", None))
#if QT_CONFIG(tooltip)
        self.rolesList.setToolTip(QCoreApplication.translate("DirectoryDialog", u"The roles this person can take; none ticked means any role.", None))
#endif // QT_CONFIG(tooltip)
        self.newButton.setText(QCoreApplication.translate("DirectoryDialog", u"Ne&w", None))
        self.retireButton.setText(QCoreApplication.translate("DirectoryDialog", u"Ret&ire", None))
#if QT_CONFIG(tooltip)
        self.retireButton.setToolTip(QCoreApplication.translate("DirectoryDialog", u"Take this person out of the pickers; past incidents keep their name.", None))
#endif // QT_CONFIG(tooltip)
        self.saveButton.setText(QCoreApplication.translate("DirectoryDialog", u"&Save person", None))
        self.tabs.setTabText(self.tabs.indexOf(self.peopleTab), QCoreApplication.translate("DirectoryDialog", u"&People", None))
        self.rotaHint.setText(QCoreApplication.translate("DirectoryDialog", u"Who is the duty Major Incident Manager each week. Declaring an incident suggests this week's.", None))
        ___qtablewidgetitem5 = self.rotaTable.horizontalHeaderItem(0)
        ___qtablewidgetitem5.setText(QCoreApplication.translate("DirectoryDialog", u"Week", None))
        ___qtablewidgetitem6 = self.rotaTable.horizontalHeaderItem(1)
        ___qtablewidgetitem6.setText(QCoreApplication.translate("DirectoryDialog", u"Dates", None))
        ___qtablewidgetitem7 = self.rotaTable.horizontalHeaderItem(2)
        ___qtablewidgetitem7.setText(QCoreApplication.translate("DirectoryDialog", u"Duty MIM", None))
        self.weekLabel.setText(QCoreApplication.translate("DirectoryDialog", u"W&eek:", None))
        self.dutyLabel.setText(QCoreApplication.translate("DirectoryDialog", u"&Duty MIM:", None))
        self.setDutyButton.setText(QCoreApplication.translate("DirectoryDialog", u"Set d&uty", None))
        self.tabs.setTabText(self.tabs.indexOf(self.rotaTab), QCoreApplication.translate("DirectoryDialog", u"R&ota", None))
    # retranslateUi

